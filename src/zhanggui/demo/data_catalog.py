"""The demo catalog: a three-level category tree with attribute definitions, and per leaf
category the brands, title phrases, options, price points and weights of its products.

Prices are whole yuan or strings ("29.90"), never floats. ``{year}`` in a phrase becomes
the shop's current year.
"""

from dataclasses import dataclass

TEXT, NUMBER, CHOICE, BOOLEAN = "text", "number", "choice", "boolean"


@dataclass(frozen=True)
class Attr:
    code: str
    name: str
    value_type: str
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Option:
    """An option of the products of a leaf: pick ``count`` values (min, max) from ``values``;
    a priced option moves the SKU up the leaf's price points by its value's position."""

    name: str
    values: tuple[str, ...]
    count: tuple[int, int]
    priced: bool = False
    consecutive: bool = False


@dataclass(frozen=True)
class TopCategory:
    """A first-level category and how its goods behave after the sale."""

    name: str
    key: str
    attrs: tuple[Attr, ...]
    weight: int                 # share of order lines
    return_rate_pct: int        # chance a delivered line comes back, in percent
    cost_pct: tuple[int, int]   # cost as a share of price, in percent
    reasons: tuple[tuple[str, int], ...]
    refund_only_pct: int        # share of requests that keep the goods (refund only)
    max_quantity: int


@dataclass(frozen=True)
class Leaf:
    top: str
    sub: str
    name: str
    attrs: tuple[Attr, ...]
    brands: tuple[str, ...]
    styles: tuple[str, ...]
    extras: tuple[str, ...]
    options: tuple[Option, ...]
    prices: tuple[int | str, ...]
    grams: tuple[int, int]


MATERIALS = ("纯棉", "涤纶", "雪纺", "真丝", "亚麻", "羊毛", "莫代尔")
SEASONS = ("春季", "夏季", "秋季", "冬季", "四季")
COLORS = ("黑色", "白色", "米白色", "燕麦色", "雾霾蓝", "藏青色", "酒红色", "浅粉色", "牛油果绿",
          "卡其色", "灰色", "碎花")
SIZES = ("S", "M", "L", "XL", "XXL", "3XL")
PHONE_MODELS = ("iPhone 15", "iPhone 15 Pro", "iPhone 16", "iPhone 16 Pro Max", "华为 Mate 60",
                "华为 P70", "小米 14", "OPPO Find X7", "vivo X100")

TOP_CATEGORIES = (
    TopCategory("服装", "clothing", (
        Attr("material", "材质", CHOICE, MATERIALS, required=True),
        Attr("season", "适用季节", CHOICE, SEASONS)),
        weight=34, return_rate_pct=24, cost_pct=(30, 45),
        reasons=(("size_fit", 50), ("changed_mind", 22), ("not_as_described", 15),
                 ("quality", 10), ("wrong_item", 3)),
        refund_only_pct=5, max_quantity=2),
    TopCategory("美妆", "beauty", (
        Attr("shelf_life_months", "保质期(月)", NUMBER, required=True),
        Attr("skin_type", "适用肤质", CHOICE, ("任何肤质", "干性", "油性", "混合性", "敏感肌"))),
        weight=20, return_rate_pct=6, cost_pct=(30, 42),
        reasons=(("damaged", 25), ("changed_mind", 25), ("quality", 20),
                 ("not_as_described", 15), ("wrong_item", 15)),
        refund_only_pct=25, max_quantity=3),
    TopCategory("食品", "food", (
        Attr("shelf_life_days", "保质期(天)", NUMBER, required=True),
        Attr("origin", "产地", TEXT),
        Attr("storage", "储存方式", CHOICE, ("常温", "冷藏", "阴凉干燥处"))),
        weight=21, return_rate_pct=3, cost_pct=(55, 70),
        reasons=(("quality", 40), ("damaged", 40), ("not_as_described", 10), ("wrong_item", 10)),
        refund_only_pct=70, max_quantity=4),
    TopCategory("数码", "electronics", (
        Attr("warranty_months", "保修期(月)", NUMBER, required=True),
        Attr("is_3c_certified", "3C认证", BOOLEAN)),
        weight=15, return_rate_pct=8, cost_pct=(45, 65),
        reasons=(("quality", 35), ("changed_mind", 25), ("not_as_described", 20),
                 ("missing_part", 10), ("damaged", 10)),
        refund_only_pct=10, max_quantity=2),
    TopCategory("家居", "home", (
        Attr("material", "材质", CHOICE, ("纯棉", "天丝", "聚酯纤维", "PP塑料", "竹纤维"),
             required=True),),
        weight=10, return_rate_pct=7, cost_pct=(40, 55),
        reasons=(("damaged", 25), ("changed_mind", 25), ("quality", 20),
                 ("not_as_described", 20), ("missing_part", 10)),
        refund_only_pct=15, max_quantity=2),
)

COLOR = Option("颜色", COLORS, (2, 4))
SIZE = Option("尺码", SIZES, (3, 5), consecutive=True)

LEAVES = (
    Leaf("服装", "女装", "连衣裙",
         (Attr("skirt_length", "裙长", CHOICE, ("短裙", "中长款", "长裙")),),
         ("森屿", "木槿", "初禾", "拾光"),
         ("法式碎花连衣裙", "收腰显瘦连衣裙", "方领泡泡袖连衣裙", "针织长袖连衣裙",
          "吊带雪纺连衣裙", "衬衫式连衣裙"),
         ("{year}夏季新款女", "温柔风气质款", "小个子显高", "度假风"),
         (COLOR, SIZE), (129, 159, 199, 239, 299, 359), (250, 450)),
    Leaf("服装", "女装", "T恤",
         (Attr("sleeve", "袖长", CHOICE, ("短袖", "长袖")),),
         ("拾光", "森屿", "棉知道"),
         ("纯棉圆领T恤", "宽松印花T恤", "基础款打底T恤", "重磅棉短袖T恤", "条纹长袖T恤"),
         ("女{year}新款", "百搭上衣", "ins风", "透气不透"),
         (COLOR, SIZE), (49, 59, 69, 79, 99, 129), (150, 260)),
    Leaf("服装", "女装", "半身裙",
         (Attr("skirt_length", "裙长", CHOICE, ("短裙", "中长款", "长裙")),),
         ("木槿", "初禾"),
         ("高腰A字半身裙", "百褶半身裙", "牛仔半身裙", "缎面鱼尾半身裙", "针织包臀半身裙"),
         ("女{year}春秋新款", "显瘦遮胯", "通勤百搭"),
         (COLOR, SIZE), (89, 119, 149, 179, 219), (200, 400)),
    Leaf("服装", "男装", "衬衫",
         (Attr("fit", "版型", CHOICE, ("修身", "常规", "宽松")),),
         ("南山客", "简行", "棉知道"),
         ("免烫商务长袖衬衫", "纯棉牛津纺衬衫", "亚麻休闲衬衫", "条纹短袖衬衫", "法兰绒格子衬衫"),
         ("男士{year}新款", "抗皱易打理", "青年百搭"),
         (COLOR, SIZE), (99, 129, 159, 199, 259), (220, 380)),
    Leaf("服装", "男装", "休闲裤",
         (Attr("fit", "版型", CHOICE, ("修身", "直筒", "宽松")),),
         ("南山客", "简行"),
         ("弹力直筒休闲裤", "九分束脚工装裤", "冰丝速干休闲裤", "加绒运动裤", "抽绳卫裤"),
         ("男{year}新款", "宽松百搭", "四季可穿"),
         (COLOR, SIZE), (79, 99, 129, 159, 199), (300, 520)),
    Leaf("美妆", "护肤", "面霜",
         (Attr("effect", "功效", CHOICE, ("保湿", "修护", "抗皱", "美白")),),
         ("植萃", "水之源", "悦肌"),
         ("玻尿酸保湿面霜", "神经酰胺修护面霜", "胜肽紧致面霜", "烟酰胺亮肤面霜", "积雪草舒缓面霜"),
         ("补水滋润", "敏感肌可用", "秋冬款"),
         (Option("规格", ("30g", "50g", "50g+赠小样"), (1, 2), priced=True),),
         (89, 129, 169, 199, 259, 299, 399, 459), (80, 200)),
    Leaf("美妆", "护肤", "精华液",
         (Attr("effect", "功效", CHOICE, ("保湿", "修护", "抗皱", "美白")),),
         ("植萃", "悦肌", "初研"),
         ("小棕瓶修护精华液", "二裂酵母精华", "377美白精华液", "维C亮肤精华", "玻色因抗老精华"),
         ("淡化细纹", "提亮肤色", "熬夜必备"),
         (Option("规格", ("15ml", "30ml", "50ml"), (1, 3), priced=True),),
         (119, 169, 219, 279, 339, 429, 529), (60, 160)),
    Leaf("美妆", "护肤", "面膜",
         (Attr("effect", "功效", CHOICE, ("保湿", "修护", "清洁", "美白")),),
         ("水之源", "初研"),
         ("玻尿酸补水面膜", "清洁泥膜", "修护睡眠面膜", "蚕丝贴片面膜", "积雪草舒缓面膜"),
         ("补水保湿", "学生党", "男女通用"),
         (Option("规格", ("5片装", "10片装", "20片装"), (1, 3), priced=True),),
         (39, 59, 79, 99, 139, 169), (120, 600)),
    Leaf("美妆", "彩妆", "口红",
         (Attr("finish", "质地", CHOICE, ("哑光", "滋润", "镜面")),),
         ("绯色", "悦肌"),
         ("丝绒哑光口红", "滋润不拔干唇膏", "镜面水光唇釉", "小金条口红", "雾面唇泥"),
         ("显白", "持久不掉色", "{year}新色"),
         (Option("色号", ("#01 正红", "#02 豆沙", "#03 枫叶红", "#04 奶茶", "#05 烂番茄"),
                 (2, 4)),),
         (69, 89, 119, 149, 199), (30, 60)),
    Leaf("食品", "零食", "坚果",
         (Attr("nut_kind", "品类", CHOICE, ("混合坚果", "碧根果", "夏威夷果",
                                                                    "巴旦木", "开心果")),),
         ("山野", "果仁铺", "三只小熊"),
         ("每日坚果混合果仁", "奶油味碧根果", "盐焗夏威夷果", "原味巴旦木", "无漂白开心果"),
         ("独立小包装", "孕妇零食", "年货礼盒"),
         (Option("规格", ("250g", "500g", "1000g"), (1, 3), priced=True),),
         ("29.90", "39.90", 59, 79, 99, 139, 169), (260, 1100)),
    Leaf("食品", "零食", "饼干糕点",
         (Attr("flavor", "口味", CHOICE, ("原味", "奶香", "海苔", "芝士")),),
         ("麦香坊", "三只小熊"),
         ("手工黄油曲奇", "全麦代餐饼干", "蛋黄酥", "肉松小贝", "苏打饼干"),
         ("早餐办公室零食", "网红小吃", "整箱装"),
         (Option("规格", ("单盒", "3盒装", "整箱"), (1, 3), priced=True),),
         ("19.90", "29.90", "39.90", 49, 69, 89), (200, 1500)),
    Leaf("食品", "茶饮", "茶叶",
         (Attr("tea_kind", "茶类", CHOICE, ("绿茶", "红茶", "乌龙茶", "白茶")),),
         ("西湖春", "云岭", "茶语"),
         ("明前龙井绿茶", "正山小种红茶", "安溪铁观音", "福鼎白茶饼", "金骏眉红茶"),
         ("{year}新茶", "礼盒装", "口粮茶"),
         (Option("规格", ("100g", "250g", "500g礼盒"), (1, 3), priced=True),),
         (68, 98, 128, 168, 238, 298, 398), (150, 800)),
    Leaf("食品", "茶饮", "咖啡",
         (Attr("roast", "烘焙度", CHOICE, ("浅烘", "中烘", "深烘")),),
         ("云岭", "豆子研究所"),
         ("冻干速溶黑咖啡", "挂耳咖啡", "云南小粒咖啡豆", "冷萃咖啡液"),
         ("美式无蔗糖", "提神", "办公室"),
         (Option("规格", ("10杯", "30杯", "60杯"), (1, 3), priced=True),),
         ("29.90", 49, 69, 99, 129, 179), (120, 900)),
    Leaf("数码", "手机配件", "充电器",
         (Attr("power_w", "功率(W)", NUMBER),),
         ("极客猫", "电小二", "闪充侠"),
         ("氮化镓快充充电器", "多口桌面充电器", "磁吸无线充电器", "超级快充头"),
         ("适用苹果华为小米", "折叠插脚", "便携"),
         (Option("规格", ("20W", "30W", "65W"), (1, 3), priced=True),
          Option("颜色", ("白色", "黑色"), (1, 2))),
         (39, 59, 79, 99, 129, 169, 199), (60, 220)),
    Leaf("数码", "手机配件", "数据线",
         (Attr("length_m", "线长(米)", NUMBER),),
         ("极客猫", "电小二"),
         ("Type-C快充数据线", "编织防断数据线", "三合一充电线", "弯头游戏数据线"),
         ("1米/2米", "适用苹果安卓", "耐弯折"),
         (Option("规格", ("1米", "2米", "2条装"), (1, 3), priced=True),),
         ("19.90", "29.90", 39, 49, 59), (30, 120)),
    Leaf("数码", "手机配件", "手机壳",
         (Attr("case_material", "壳材质", CHOICE, ("硅胶", "TPU", "磨砂", "皮革")),),
         ("壳子铺", "极客猫"),
         ("磁吸透明手机壳", "液态硅胶手机壳", "防摔气囊手机壳", "真皮手机壳", "镜头全包手机壳"),
         ("男女款", "超薄", "新款"),
         (Option("适用机型", PHONE_MODELS, (2, 4)),
          Option("颜色", ("透明", "黑色", "奶白", "远峰蓝"), (1, 2))),
         ("29.90", 39, 49, 69, 99), (25, 60)),
    Leaf("数码", "影音", "蓝牙耳机",
         (Attr("battery_hours", "续航(小时)", NUMBER),),
         ("声悦", "极客猫"),
         ("真无线降噪蓝牙耳机", "运动挂耳蓝牙耳机", "半入耳蓝牙耳机", "骨传导耳机",
          "头戴式降噪耳机"),
         ("超长续航", "游戏低延迟", "{year}新款"),
         (Option("颜色", ("白色", "黑色", "冰川蓝"), (1, 3)),),
         (99, 149, 199, 259, 329, 399, 499), (50, 300)),
    Leaf("家居", "家纺", "四件套",
         (Attr("bed_size", "适用床宽", CHOICE, ("1.5米", "1.8米", "2.0米")),),
         ("织梦", "棉里"),
         ("全棉磨毛四件套", "60支长绒棉四件套", "天丝冰丝四件套", "水洗棉四件套", "纯色简约四件套"),
         ("床上用品", "亲肤", "宿舍"),
         (Option("颜色", ("燕麦色", "雾霾蓝", "浅灰", "豆沙粉"), (2, 3)),
          Option("规格", ("1.5米床", "1.8米床", "2.0米床"), (2, 3), priced=True)),
         (169, 199, 259, 299, 369, 459, 599), (1800, 3200)),
    Leaf("家居", "家纺", "枕头",
         (Attr("filling", "填充物", CHOICE, ("乳胶", "羽绒", "记忆棉", "纤维")),),
         ("织梦", "棉里", "好眠"),
         ("泰国乳胶枕", "记忆棉护颈枕", "羽绒枕", "荞麦枕", "酒店同款枕头"),
         ("单只装", "助睡眠", "家用"),
         (Option("规格", ("单只", "一对装"), (1, 2), priced=True),),
         (59, 89, 119, 149, 199, 259), (700, 2200)),
    Leaf("家居", "收纳", "收纳箱",
         (Attr("capacity_l", "容量(升)", NUMBER),),
         ("整理控", "好物屋"),
         ("透明塑料收纳箱", "折叠布艺收纳箱", "衣柜抽屉收纳盒", "桌面收纳盒", "床底收纳箱"),
         ("家用大号", "带盖", "宿舍"),
         (Option("规格", ("小号", "中号", "大号", "3个装"), (2, 4), priced=True),),
         ("19.90", "29.90", 39, 49, 69, 89), (300, 2500)),
)

TAGS = ("新品", "热销", "优惠", "爆款")
